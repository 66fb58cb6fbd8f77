//! Text formats: character encodings (UTF-8, UTF-16 with a byte-order mark,
//! Windows-1252), HTML and XML (markup removed, entities decoded) and RTF.
//!
//! Markup is read in one pass, in time linear in its size, counting a step
//! of parsing work per tag, text run or control word. HTML and RTF text
//! that a reader does not see (`display:none`, `hidden`, `<template>`,
//! comments, RTF `\v`) is kept apart from what they see, so that a marking
//! hidden from the reader is still found, and said to be hidden.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

use super::sniff::Format;
use super::{Extractor, child, located};
use crate::report::{Part, ProblemCode};

/// Reads a text format (plain text, HTML, XML, RTF) under the extraction
/// budget: visible text as the body, hidden text as [`Part::Hidden`], and a
/// problem for what is not read (an XML document type that declares
/// entities, RTF groups nested too deep, a step limit).
pub(crate) fn extract(ex: &mut Extractor, bytes: &[u8], format: Format, path: &[String]) {
    let markup = match format {
        Format::Html => html_parts(&decode(bytes), &mut |n| ex.step(n, path)),
        Format::Xml => xml_parts(&decode(bytes), &mut |n| ex.step(n, path)),
        Format::Rtf => rtf_parts(bytes, &mut |n| ex.step(n, path)),
        _ => {
            let text = decode(bytes);
            ex.step(text.len() as u64 / 4096, path);
            ex.push(text, Part::Body, None, path);
            return;
        }
    };
    push_markup(ex, markup, path);
}

/// Reads an HTML document (an e-mail body, say) under the budget, as
/// [`extract`] does.
pub(crate) fn extract_html(ex: &mut Extractor, html: &str, path: &[String]) {
    let markup = html_parts(html, &mut |n| ex.step(n, path));
    push_markup(ex, markup, path);
}

/// Pushes what markup gave: its problems, its visible and its hidden text.
fn push_markup(ex: &mut Extractor, markup: Markup, path: &[String]) {
    if markup.entity_declarations {
        ex.problem(ProblemCode::Unsupported, located(path, DOCTYPE_MESSAGE));
    }
    if markup.too_deep {
        ex.problem(
            ProblemCode::Limit,
            located(
                path,
                &format!(
                    "RTF groups nested deeper than {MAX_RTF_DEPTH}; their text may be misread"
                ),
            ),
        );
    }
    if markup.pictures > 0 {
        ex.problem(
            ProblemCode::OcrUnavailable,
            located(
                path,
                &format!(
                    "{} RTF picture(s) not read (text in images needs OCR)",
                    markup.pictures
                ),
            ),
        );
    }
    if markup.objects > 0 {
        ex.problem(
            ProblemCode::Unsupported,
            located(
                path,
                &format!(
                    "{} RTF embedded object(s) with no rendered result not read",
                    markup.objects
                ),
            ),
        );
    }
    ex.push(markup.visible, Part::Body, None, path);
    ex.push(markup.hidden, Part::Hidden, None, path);
    ex.push(markup.metadata, Part::Metadata, None, path);
    ex.push(markup.comments, Part::Comment, None, path);
    if markup.data_uris.len() > MAX_DATA_URIS {
        ex.problem(
            ProblemCode::Limit,
            located(
                path,
                &format!("more than {MAX_DATA_URIS} data: URIs; the others were not read"),
            ),
        );
    }
    for (n, encoded) in markup.data_uris.iter().take(MAX_DATA_URIS).enumerate() {
        let entry_path = child(path, &format!("data-uri-{}", n + 1));
        if let Err(exceeded) = ex.budget().inflate(encoded.len() as u64 / 4 * 3) {
            ex.problem(ProblemCode::Limit, located(&entry_path, &exceeded.0));
            return;
        }
        match crate::validate::base64_decode(encoded) {
            // The path's length stands for the nesting depth: each level
            // of dispatch adds one name to it.
            Some(bytes) => ex.dispatch(&bytes, &entry_path, path.len() as u32 + 1),
            None => ex.problem(
                ProblemCode::Corrupt,
                located(&entry_path, "data: URI with damaged base64"),
            ),
        }
    }
}

/// What a document type declaration is reported with.
pub(crate) const DOCTYPE_MESSAGE: &str =
    "XML with a document type declaration is not read in full (its entities are not expanded)";

/// The text of a markup document: what a reader sees, and what is hidden
/// from them.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Markup {
    /// The text a reader sees (what copying the rendered page would give).
    pub(crate) visible: String,
    /// The text a reader does not see: hidden elements, comments, RTF
    /// hidden text.
    pub(crate) hidden: String,
    /// Whether an XML document type declares entities (or the document uses
    /// entities that only a document type could define): text was not
    /// expanded, so the document was not read in full.
    pub(crate) entity_declarations: bool,
    /// Document properties (RTF `\info`: title, subject, keywords...).
    pub(crate) metadata: String,
    /// Whether RTF groups nested deeper than vigie follows.
    pub(crate) too_deep: bool,
    /// Comments (RTF `\annotation`).
    pub(crate) comments: String,
    /// How many pictures (RTF `\pict`) were passed over: their text, if
    /// any, is not read.
    pub(crate) pictures: usize,
    /// How many embedded objects (RTF `\object`) with no rendered result
    /// (`\result`) were passed over.
    pub(crate) objects: usize,
    /// The base64 payloads of `data:` URIs in HTML (`<img src="data:...">`),
    /// still encoded: decoded under the budget and dispatched.
    pub(crate) data_uris: Vec<String>,
}

/// How many `data:` URIs of a document are dispatched; more are reported.
const MAX_DATA_URIS: usize = 64;

/// Decodes bytes known to be text: UTF-8 (a byte-order mark is kept, as an
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
fn windows_1252_char(b: u8) -> char {
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

/// HTML elements that have no end tag.
const VOID_ELEMENTS: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

/// How many open elements an end tag is matched against: an end tag with
/// no open element of its name among them is ignored, so that a stack of a
/// million unclosed elements costs no more per tag than a small one.
const END_TAG_REACH: usize = 64;

/// The text of an HTML document: tags removed (a line break after block
/// elements), `script` and `style` contents dropped, entities decoded; the
/// text a reader does not see (hidden elements, comments) follows on a
/// line of its own, so that it is still scanned.
pub fn html_to_text(html: &str) -> String {
    joined(html_parts(html, &mut |_| true))
}

/// The text of an XML document: tags removed, a line break between
/// elements, entities decoded, CDATA kept.
pub fn xml_to_text(xml: &str) -> String {
    joined(xml_parts(xml, &mut |_| true))
}

/// Visible text, then hidden text and metadata, each on lines of their
/// own.
fn joined(mut markup: Markup) -> String {
    for other in [&markup.hidden, &markup.metadata] {
        if !other.trim().is_empty() {
            markup.visible.push('\n');
            markup.visible.push_str(other);
        }
    }
    markup.visible
}

/// The visible and hidden text of an HTML document; `step` counts parsing
/// work and stops the reading when it returns false.
pub(crate) fn html_parts(html: &str, step: &mut dyn FnMut(u64) -> bool) -> Markup {
    markup(html, true, step)
}

/// The text of an XML document, and whether it declares entities.
pub(crate) fn xml_parts(xml: &str, step: &mut dyn FnMut(u64) -> bool) -> Markup {
    markup(xml, false, step)
}

/// Where the text of an HTML document goes while it is read.
struct Reading {
    out: Markup,
    /// Open elements: a short key of the name, and whether it hides.
    open: Vec<(u64, bool)>,
    /// How many of the open elements hide their content.
    hiding: usize,
    /// The decoded `srcdoc` documents of frames, read after the page.
    srcdoc: String,
}

impl Reading {
    fn target(&mut self, hidden: bool) -> &mut String {
        if hidden || self.hiding > 0 {
            &mut self.out.hidden
        } else {
            &mut self.out.visible
        }
    }

    /// Starts a new piece of hidden text on a line of its own.
    fn hidden_break(&mut self) {
        if !self.out.hidden.is_empty() && !self.out.hidden.ends_with('\n') {
            self.out.hidden.push('\n');
        }
    }
}

/// How many levels of frames within frames (`srcdoc`) are read as HTML;
/// deeper ones are read as the text of their markup.
const MAX_SRCDOC_DEPTH: usize = 8;

fn markup(src: &str, html: bool, step: &mut dyn FnMut(u64) -> bool) -> Markup {
    let (mut out, mut pending) = markup_once(src, html, step);
    // Each level's documents are shorter than the markup they came from,
    // so the whole costs at most MAX_SRCDOC_DEPTH times the input.
    for _ in 0..MAX_SRCDOC_DEPTH {
        if pending.is_empty() {
            break;
        }
        let (inner, next) = markup_once(&pending, true, step);
        out.visible.push('\n');
        out.visible.push_str(&inner.visible);
        if !inner.hidden.trim().is_empty() {
            out.hidden.push('\n');
            out.hidden.push_str(&inner.hidden);
        }
        out.metadata.push_str(&inner.metadata);
        out.data_uris.extend(inner.data_uris);
        pending = next;
    }
    if !pending.is_empty() {
        out.hidden.push('\n');
        out.hidden.push_str(&pending);
    }
    out
}

/// One document's markup, and the `srcdoc` documents of its frames.
fn markup_once(src: &str, html: bool, step: &mut dyn FnMut(u64) -> bool) -> (Markup, String) {
    let bytes = src.as_bytes();
    let mut reading = Reading {
        out: Markup {
            visible: String::with_capacity(src.len() / 2),
            ..Markup::default()
        },
        open: Vec::new(),
        hiding: 0,
        srcdoc: String::new(),
    };
    let mut doctype = false;
    let mut unknown_entities = false;
    // Once no `>` is left, every `<` is text: found once, not per `<`.
    let mut no_close = false;
    let mut pos = 0;
    while pos < bytes.len() {
        if !step(1) {
            break;
        }
        let open = memchr::memchr(b'<', &bytes[pos..]).map_or(bytes.len(), |i| pos + i);
        let run = src.get(pos..open).unwrap_or("");
        let target = reading.target(false);
        unknown_entities |= decode_entities_into(run, target, html);
        if open >= bytes.len() {
            break;
        }
        pos = open;
        let rest = src.get(pos..).unwrap_or("");
        if let Some(after) = rest.strip_prefix("<!--") {
            let end = memchr::memmem::find(after.as_bytes(), b"-->");
            let comment = after.get(..end.unwrap_or(after.len())).unwrap_or("");
            if html && !comment.trim().is_empty() {
                reading.hidden_break();
                decode_entities_into(comment, &mut reading.out.hidden, html);
            }
            pos = end.map_or(bytes.len(), |end| pos + 4 + end + 3);
            continue;
        }
        if let Some(after) = rest.strip_prefix("<![CDATA[") {
            let end = memchr::memmem::find(after.as_bytes(), b"]]>");
            let data = after.get(..end.unwrap_or(after.len())).unwrap_or("");
            reading.target(false).push_str(data);
            pos = end.map_or(bytes.len(), |end| pos + 9 + end + 3);
            continue;
        }
        if starts_with_ignore_case(rest, "<!doctype") {
            let (end, declares) = doctype_end(rest);
            doctype = true;
            reading.out.entity_declarations |= declares && !html;
            pos += end;
            continue;
        }
        let next = bytes.get(pos + 1).copied().unwrap_or(b' ');
        let is_tag = next.is_ascii_alphabetic()
            || matches!(next, b'!' | b'?')
            || (next == b'/' && bytes.get(pos + 2).is_some_and(u8::is_ascii_alphabetic));
        let close = if is_tag && !no_close {
            memchr::memchr(b'>', &bytes[pos..]).map(|i| pos + i)
        } else {
            None
        };
        let Some(close) = close else {
            // A `<` that opens no tag is text ("a < b").
            no_close |= is_tag;
            reading.target(false).push('<');
            pos += 1;
            continue;
        };
        let tag = src.get(pos + 1..close).unwrap_or("");
        pos = close + 1;
        if matches!(next, b'!' | b'?') {
            continue;
        }
        let closing = tag.starts_with('/');
        let self_closing = tag.ends_with('/');
        let name = tag_name(tag);
        if !html {
            if !closing && !tag.starts_with(['?', '!']) {
                xml_attribute_text(tag, &mut reading);
            }
            if closing || self_closing {
                reading.out.visible.push('\n');
            }
            continue;
        }
        let block = BLOCK_ELEMENTS.contains(&name);
        if closing {
            if block {
                reading.target(false).push('\n');
            }
            close_element(&mut reading, name);
            continue;
        }
        attribute_text(tag, &mut reading);
        if name.eq_ignore_ascii_case("script") || name.eq_ignore_ascii_case("style") {
            if !self_closing {
                let end = end_tag(bytes, pos, name).unwrap_or(bytes.len());
                if name.eq_ignore_ascii_case("style") {
                    css_content_text(src.get(pos..end).unwrap_or(""), &mut reading);
                }
                pos = end;
            }
            continue;
        }
        if block {
            reading.target(false).push('\n');
        }
        if self_closing || VOID_ELEMENTS.iter().any(|v| name.eq_ignore_ascii_case(v)) {
            continue;
        }
        let hides = name.eq_ignore_ascii_case("template") || hides_content(tag);
        if hides {
            if reading.hiding == 0 {
                reading.hidden_break();
            }
            reading.hiding += 1;
        }
        reading.open.push((name_key(name), hides));
    }
    reading.out.entity_declarations |= !html && doctype && unknown_entities;
    (reading.out, reading.srcdoc)
}

/// Closes the innermost open element named `name`, and those opened inside
/// it, if it is among the last [`END_TAG_REACH`] opened.
fn close_element(reading: &mut Reading, name: &str) {
    let key = name_key(name);
    let reach = reading.open.len().saturating_sub(END_TAG_REACH);
    let Some(found) = reading
        .open
        .get(reach..)
        .and_then(|recent| recent.iter().rposition(|(k, _)| *k == key))
        .map(|i| reach + i)
    else {
        return;
    };
    let closed = reading.open.split_off(found);
    let hiding = closed.iter().filter(|(_, hides)| *hides).count();
    reading.hiding = reading.hiding.saturating_sub(hiding);
    if hiding > 0 && reading.hiding == 0 {
        reading.hidden_break();
    }
}

/// A key for an element name: its first 16 bytes, case folded, hashed.
fn name_key(name: &str) -> u64 {
    name.bytes()
        .take(16)
        .fold(0xcbf2_9ce4_8422_2325, |hash, b| {
            (hash ^ u64::from(b.to_ascii_lowercase())).wrapping_mul(0x0100_0000_01b3)
        })
}

/// The name of a tag (`p` in `/p class="x"`).
fn tag_name(tag: &str) -> &str {
    let tag = tag.strip_prefix('/').unwrap_or(tag);
    let end = tag
        .find(|c: char| !(c.is_alphanumeric() || c == ':' || c == '-' || c == '_'))
        .unwrap_or(tag.len());
    tag.get(..end).unwrap_or("")
}

/// Where the end tag `</name` starts, searched from `from` with its case
/// ignored.
fn end_tag(bytes: &[u8], from: usize, name: &str) -> Option<usize> {
    let mut at = from;
    while let Some(found) = memchr::memmem::find(bytes.get(at..)?, b"</") {
        let start = at + found;
        let after = start + 2;
        let candidate = bytes.get(after..after + name.len());
        let boundary = bytes
            .get(after + name.len())
            .is_none_or(|b| !b.is_ascii_alphanumeric());
        if candidate.is_some_and(|c| c.eq_ignore_ascii_case(name.as_bytes())) && boundary {
            return Some(start);
        }
        at = after;
    }
    None
}

/// Attributes whose value is text a reader may see only on demand (a
/// tooltip, an image's replacement text, a form's placeholder).
const TEXT_ATTRIBUTES: &[&str] = &[
    "title",
    "alt",
    "aria-label",
    "placeholder",
    "value",
    "label",
    "summary",
    "content",
];

/// Adds the values of a tag's [`TEXT_ATTRIBUTES`] to the hidden text, and
/// a frame's `srcdoc` document to those read after the page.
fn attribute_text(tag: &str, reading: &mut Reading) {
    for_each_attribute(tag, |name, value| {
        if name.eq_ignore_ascii_case("srcdoc") {
            decode_entities_into(value, &mut reading.srcdoc, true);
            reading.srcdoc.push('\n');
        } else if name.eq_ignore_ascii_case("src") || name.eq_ignore_ascii_case("href") {
            let mut decoded = String::new();
            decode_entities_into(value, &mut decoded, true);
            let trimmed = decoded.trim();
            if starts_with_ignore_case(trimmed, "data:")
                && let Some(comma) = trimmed.find(',')
                && trimmed
                    .get(..comma)
                    .is_some_and(|head| head.to_ascii_lowercase().ends_with(";base64"))
            {
                let payload = trimmed.get(comma + 1..).unwrap_or("");
                if reading.out.data_uris.len() <= MAX_DATA_URIS {
                    reading.out.data_uris.push(payload.to_string());
                }
            }
        } else if !value.trim().is_empty()
            && TEXT_ATTRIBUTES.iter().any(|a| name.eq_ignore_ascii_case(a))
        {
            reading.hidden_break();
            decode_entities_into(value, &mut reading.out.hidden, true);
            reading.hidden_break();
        }
    });
}

/// Adds the values of an XML element's attributes (namespace declarations
/// aside) to the metadata, one a line.
fn xml_attribute_text(tag: &str, reading: &mut Reading) {
    for_each_attribute(tag, |name, value| {
        if name.starts_with("xmlns") || value.trim().is_empty() {
            return;
        }
        decode_entities_into(value, &mut reading.out.metadata, false);
        reading.out.metadata.push('\n');
    });
}

/// The quoted strings of CSS `content` properties in a style sheet
/// (`p::before { content: "..." }`), text a browser shows: added to the
/// hidden text.
fn css_content_text(css: &str, reading: &mut Reading) {
    for (at, _) in css.match_indices("content") {
        let rest = css.get(at + "content".len()..).unwrap_or("").trim_start();
        let Some(rest) = rest.strip_prefix(':') else {
            continue;
        };
        let rest = rest.trim_start();
        let Some(quote) = rest.chars().next().filter(|c| matches!(c, '"' | '\'')) else {
            continue;
        };
        let inner = rest.get(1..).unwrap_or("");
        let end = inner.find(quote).unwrap_or(inner.len());
        let text = inner.get(..end).unwrap_or("");
        if !text.trim().is_empty() {
            reading.hidden_break();
            reading.out.hidden.push_str(text);
            reading.hidden_break();
        }
    }
}

/// Calls `each` with the name and raw value of each attribute of a tag.
fn for_each_attribute(tag: &str, mut each: impl FnMut(&str, &str)) {
    let mut rest = tag.get(tag_name(tag).len()..).unwrap_or("");
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
        let name_end = rest
            .find(|c: char| c.is_whitespace() || c == '=' || c == '/')
            .unwrap_or(rest.len());
        if name_end == 0 {
            return;
        }
        let name = rest.get(..name_end).unwrap_or("");
        rest = rest.get(name_end..).unwrap_or("").trim_start();
        let Some(after) = rest.strip_prefix('=') else {
            continue;
        };
        let after = after.trim_start();
        let (value, next) = match after.chars().next() {
            Some(quote @ ('"' | '\'')) => {
                let inner = after.get(1..).unwrap_or("");
                let end = inner.find(quote).unwrap_or(inner.len());
                (
                    inner.get(..end).unwrap_or(""),
                    inner.get(end + 1..).unwrap_or(""),
                )
            }
            _ => {
                let end = after.find(char::is_whitespace).unwrap_or(after.len());
                (
                    after.get(..end).unwrap_or(""),
                    after.get(end..).unwrap_or(""),
                )
            }
        };
        rest = next;
        each(name, value);
    }
}

/// Whether an element's attributes hide its content from a reader: the
/// `hidden` attribute, or a style with `display:none`, `visibility:hidden`
/// or `collapse`, a zero font size or a zero opacity.
fn hides_content(tag: &str) -> bool {
    let lower = tag.to_ascii_lowercase();
    let attributes = lower.get(tag_name(&lower).len()..).unwrap_or("");
    let has_hidden = attributes
        .split(|c: char| c.is_whitespace() || c == '/')
        .any(|word| word == "hidden" || word.starts_with("hidden="));
    if has_hidden {
        return true;
    }
    let Some(style) = attributes.find("style") else {
        return false;
    };
    let style: String = attributes
        .get(style..)
        .unwrap_or("")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let zero = |property: &str| {
        style.match_indices(property).any(|(at, _)| {
            let value = style.get(at + property.len()..).unwrap_or("");
            let digits = value.trim_start_matches(['0', '.']);
            value.starts_with(['0', '.']) && !digits.starts_with(|c: char| c.is_ascii_digit())
        })
    };
    style.contains("display:none")
        || style.contains("visibility:hidden")
        || style.contains("visibility:collapse")
        || zero("font-size:")
        || zero("opacity:")
}

/// Whether `text` starts with `prefix`, ASCII case ignored.
fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    text.as_bytes()
        .get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix.as_bytes()))
}

/// The length of a document type declaration at the start of `rest`, and
/// whether it declares entities or names an external document type (whose
/// entities would not be read either).
fn doctype_end(rest: &str) -> (usize, bool) {
    let bytes = rest.as_bytes();
    let first_close = memchr::memchr(b'>', bytes);
    let bracket = memchr::memchr(b'[', bytes);
    match (bracket, first_close) {
        (Some(open), Some(close)) if open < close => {
            // An internal subset: it ends at `]`, then `>`.
            let end = memchr::memmem::find(&bytes[open..], b"]")
                .and_then(|i| memchr::memchr(b'>', &bytes[open + i..]).map(|j| open + i + j + 1))
                .unwrap_or(bytes.len());
            let subset = bytes.get(open..end).unwrap_or(&[]);
            (end, memchr::memmem::find(subset, b"<!ENTITY").is_some())
        }
        (_, Some(close)) => (close + 1, false),
        (_, None) => (bytes.len(), false),
    }
}

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
fn decode_entities_into(text: &str, out: &mut String, html: bool) -> bool {
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

/// How deep RTF groups are followed. Deeper groups are read with the state
/// of the deepest followed one, and reported.
const MAX_RTF_DEPTH: usize = 256;

/// The state an RTF group sets for its text.
#[derive(Debug, Clone, Copy)]
struct RtfGroup {
    /// In a destination whose text is not text (fonts, pictures, `\*`).
    skip: bool,
    /// In hidden text (`\v`).
    hidden: bool,
    /// In the document properties (`\info`).
    info: bool,
    /// In a comment (`\annotation`).
    comment: bool,
    /// Characters of fallback after each `\uN` (`\ucN`).
    fallback: usize,
}

const RTF_START: RtfGroup = RtfGroup {
    skip: false,
    hidden: false,
    info: false,
    comment: false,
    fallback: 1,
};

/// The text of an RTF document: control words dropped (`\par` and `\line`
/// become line breaks), `\'hh` read as Windows-1252, `\uN` as Unicode,
/// destinations such as fonts, colours and pictures skipped; hidden text
/// (`\v`) and the document properties (`\info`) follow on lines of their
/// own, so that they are still scanned.
pub fn rtf_to_text(rtf: &[u8]) -> String {
    joined(rtf_parts(rtf, &mut |_| true))
}

/// Appends text to the visible or the hidden text, as `group` says.
fn rtf_emit(out: &mut Markup, group: RtfGroup, text: &str) {
    if group.skip || text.is_empty() {
        return;
    }
    if group.info {
        out.metadata.push_str(text);
    } else if group.comment {
        out.comments.push_str(text);
    } else if group.hidden {
        out.hidden.push_str(text);
    } else {
        out.visible.push_str(text);
    }
}

/// The visible and hidden text of an RTF document; `step` counts a step
/// per group and control word, and stops the reading when it returns
/// false.
pub(crate) fn rtf_parts(rtf: &[u8], step: &mut dyn FnMut(u64) -> bool) -> Markup {
    let mut out = Markup::default();
    let mut groups: Vec<RtfGroup> = vec![RTF_START];
    // Groups opened past MAX_RTF_DEPTH, which share the deepest state.
    let mut overflow = 0usize;
    // Characters still to skip after a \uN (its fallback).
    let mut unicode_skip = 0usize;
    // Embedded objects being read: the depth of each one's group, and
    // whether it has a rendered result. At most one per group.
    let mut objects: Vec<(usize, bool)> = Vec::new();
    let mut i = 0;
    let mut buffer = [0u8; 4];
    while i < rtf.len() {
        let group = groups.last().copied().unwrap_or(RTF_START);
        let b = rtf[i];
        match b {
            b'{' | b'}' | b'\\' if !step(1) => break,
            b'{' => {
                if groups.len() >= MAX_RTF_DEPTH {
                    overflow += 1;
                    out.too_deep = true;
                } else {
                    groups.push(group);
                }
                i += 1;
            }
            b'}' => {
                // A group's end ends the fallback of a \uN inside it.
                unicode_skip = 0;
                if overflow > 0 {
                    overflow -= 1;
                } else if groups.len() > 1 {
                    if objects
                        .last()
                        .is_some_and(|(depth, result)| *depth == groups.len() && !result)
                    {
                        out.objects += 1;
                    }
                    if objects
                        .last()
                        .is_some_and(|(depth, _)| *depth == groups.len())
                    {
                        objects.pop();
                    }
                    groups.pop();
                    let now = groups.last().copied().unwrap_or(RTF_START);
                    if group.hidden && !now.hidden && !out.hidden.ends_with('\n') {
                        out.hidden.push('\n');
                    }
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
                        } else {
                            rtf_emit(
                                &mut out,
                                group,
                                windows_1252_char(byte).encode_utf8(&mut buffer),
                            );
                        }
                    }
                    i += 3;
                    continue;
                }
                if !next.is_ascii_alphabetic() {
                    // Control symbols: \\ \{ \} and \* (an ignorable
                    // destination).
                    let text = match next {
                        b'*' => {
                            if let Some(top) = groups.last_mut() {
                                top.skip = true;
                            }
                            ""
                        }
                        b'\\' => "\\",
                        b'{' => "{",
                        b'}' => "}",
                        b'~' => "\u{A0}",
                        b'-' => "\u{AD}",
                        b'_' => "\u{2011}",
                        b'\n' | b'\r' => "\n",
                        _ => "",
                    };
                    rtf_emit(&mut out, group, text);
                    i += 1;
                    continue;
                }
                let start = i;
                while i < rtf.len() && rtf[i].is_ascii_alphabetic() && i - start < 32 {
                    i += 1;
                }
                let word = &rtf[start..i];
                let number_start = i;
                if i < rtf.len() && (rtf[i] == b'-' || rtf[i].is_ascii_digit()) {
                    i += 1;
                    while i < rtf.len() && rtf[i].is_ascii_digit() && i - number_start < 11 {
                        i += 1;
                    }
                }
                let number: Option<i64> = std::str::from_utf8(&rtf[number_start..i])
                    .ok()
                    .and_then(|n| n.parse().ok());
                if rtf.get(i) == Some(&b' ') {
                    i += 1;
                }
                let top = groups.last_mut();
                match word {
                    b"par" | b"line" | b"row" | b"sect" | b"page" => {
                        rtf_emit(&mut out, group, "\n")
                    }
                    b"tab" | b"cell" => rtf_emit(&mut out, group, "\t"),
                    b"v" => {
                        if let Some(top) = top {
                            top.hidden = number != Some(0);
                            if top.hidden
                                && !group.hidden
                                && !out.hidden.is_empty()
                                && !out.hidden.ends_with('\n')
                            {
                                out.hidden.push('\n');
                            }
                        }
                    }
                    b"uc" => {
                        if let Some(top) = top {
                            top.fallback = number
                                .and_then(|n| usize::try_from(n).ok())
                                .unwrap_or(1)
                                .min(16);
                        }
                    }
                    b"u" => {
                        if let Some(code) = number {
                            let code = if code < 0 { code + 65536 } else { code };
                            let c = u32::try_from(code)
                                .ok()
                                .and_then(char::from_u32)
                                .unwrap_or(char::REPLACEMENT_CHARACTER);
                            rtf_emit(&mut out, group, c.encode_utf8(&mut buffer));
                            unicode_skip = group.fallback;
                        }
                    }
                    b"info" => {
                        if let Some(top) = top {
                            top.info = true;
                        }
                    }
                    // \binN: N bytes of binary data, not text.
                    b"bin" => {
                        let n = number.and_then(|n| usize::try_from(n).ok()).unwrap_or(0);
                        i = i.saturating_add(n).min(rtf.len());
                    }
                    // Destinations Word shows as text, though they sit
                    // inside ignorable ones: a text box's text, a comment,
                    // an object's rendered result.
                    b"shptxt" | b"footnote" => {
                        if let Some(top) = top {
                            top.skip = false;
                        }
                    }
                    b"annotation" => {
                        if let Some(top) = top {
                            top.skip = false;
                            top.comment = true;
                        }
                        if !out.comments.is_empty() && !out.comments.ends_with('\n') {
                            out.comments.push('\n');
                        }
                    }
                    b"result" => {
                        if let Some(top) = top {
                            top.skip = false;
                        }
                        if let Some(object) = objects.last_mut() {
                            object.1 = true;
                        }
                    }
                    b"pict" => {
                        out.pictures += 1;
                        if let Some(top) = top {
                            top.skip = true;
                        }
                    }
                    b"object" => {
                        if let Some(top) = top {
                            top.skip = true;
                        }
                        if objects
                            .last()
                            .is_none_or(|(depth, _)| *depth != groups.len())
                        {
                            objects.push((groups.len(), false));
                        }
                    }
                    // Properties end a line of the metadata.
                    b"title" | b"subject" | b"author" | b"manager" | b"company" | b"operator"
                    | b"category" | b"keywords" | b"comment" | b"doccomm" | b"hlinkbase"
                        if group.info
                            && !out.metadata.is_empty()
                            && !out.metadata.ends_with('\n') =>
                    {
                        out.metadata.push('\n');
                    }
                    b"fonttbl"
                    | b"colortbl"
                    | b"stylesheet"
                    | b"listtable"
                    | b"listoverridetable"
                    | b"rsidtbl"
                    | b"generator"
                    | b"themedata"
                    | b"colorschememapping"
                    | b"datastore"
                    | b"latentstyles" => {
                        if let Some(top) = top {
                            top.skip = true;
                        }
                    }
                    _ => {}
                }
            }
            b'\r' | b'\n' => i += 1,
            _ => {
                if unicode_skip > 0 {
                    unicode_skip -= 1;
                } else {
                    rtf_emit(
                        &mut out,
                        group,
                        windows_1252_char(b).encode_utf8(&mut buffer),
                    );
                }
                i += 1;
            }
        }
    }
    out.objects += objects.iter().filter(|(_, result)| !result).count();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(text: &str) -> Markup {
        html_parts(text, &mut |_| true)
    }

    /// What [`extract`] gives for `bytes` of `format`.
    fn extracted(
        bytes: &[u8],
        format: Format,
        limits: crate::policy::Limits,
    ) -> super::super::Extraction {
        let mut ex = Extractor {
            budget: crate::budget::Budget::new(limits),
            out: super::super::Extraction::default(),
            text_bytes: 0,
            stopped: false,
        };
        extract(&mut ex, bytes, format, &["x".to_string()]);
        ex.out
    }

    #[test]
    fn text_formats_read_under_the_budget_keep_hidden_text_apart() {
        let limits = crate::policy::Limits::default();
        let page = br#"<p>Bonjour</p><p style="display:none">DIFFUSION RESTREINTE</p>"#;
        let out = extracted(page, Format::Html, limits);
        let parts: Vec<(Part, &str)> = out
            .segments
            .iter()
            .map(|s| (s.part, s.text.trim()))
            .collect();
        assert_eq!(
            parts,
            [
                (Part::Body, "Bonjour"),
                (Part::Hidden, "DIFFUSION RESTREINTE")
            ]
        );
        let rtf = br"{\rtf1 Bonjour {\v TR\'c8S SECRET}}";
        let out = extracted(rtf, Format::Rtf, limits);
        assert_eq!(out.segments[1].part, Part::Hidden);
        assert_eq!(out.segments[1].text.trim(), "TRÈS SECRET");
        let xml = br#"<!DOCTYPE n [<!ENTITY m "DIFFUSION RESTREINTE">]><n>&m;</n>"#;
        let out = extracted(xml, Format::Xml, limits);
        assert_eq!(out.problems.len(), 1);
        assert_eq!(out.problems[0].code, ProblemCode::Unsupported);
        let limits = crate::policy::Limits {
            max_steps: 1000,
            ..limits
        };
        let out = extracted("<p>x</p>".repeat(10_000).as_bytes(), Format::Html, limits);
        assert_eq!(out.problems[0].code, ProblemCode::Limit);
        let deep = [b"{\\rtf1 ".as_slice(), &[b'{'; 1000], b"x"].concat();
        let out = extracted(&deep, Format::Rtf, crate::policy::Limits::default());
        assert_eq!(out.problems[0].code, ProblemCode::Limit);
    }

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

    #[test]
    fn html_loses_its_markup_and_keeps_its_text() {
        let page = "<html><head><style>p{color:red}</style><script>var secret = 1;</script></head>\
                    <body><p>DIFFUSION&nbsp;<b>RESTREINTE</b></p><!-- SECRET --><p>Note&#160;&eacute;t&#xE9;</p></body></html>";
        let text = html(page);
        assert!(
            text.visible.contains("DIFFUSION\u{A0}RESTREINTE"),
            "{text:?}"
        );
        assert!(text.visible.contains("Note\u{A0}été"), "{text:?}");
        assert!(
            !text.visible.contains("secret")
                && !text.visible.contains("SECRET")
                && !text.visible.contains("color"),
            "{text:?}"
        );
        assert_eq!(text.hidden.trim(), "SECRET", "comments are hidden text");
        assert!(!text.hidden.contains("secret") && !text.hidden.contains("color"));
    }

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

    #[test]
    fn a_lone_angle_bracket_is_text() {
        assert_eq!(
            html("a < b et c<d DIFFUSION RESTREINTE").visible,
            "a < b et c<d DIFFUSION RESTREINTE"
        );
        assert_eq!(html("x <3 y <a DIFFUSION").visible, "x <3 y <a DIFFUSION");
    }

    #[test]
    fn hidden_html_is_read_apart() {
        let cases = [
            r#"<p>DIFFUSION <span style="display: none">XYZ</span>RESTREINTE</p>"#,
            r#"<p>DIFFUSION <span style="visibility:hidden">XYZ</span>RESTREINTE</p>"#,
            r#"<p>DIFFUSION <span hidden>XYZ</span>RESTREINTE</p>"#,
            r#"<p>DIFFUSION <SPAN STYLE="FONT-SIZE:0PX">XYZ</SPAN>RESTREINTE</p>"#,
            r#"<p>DIFFUSION <template><b>XYZ</b></template>RESTREINTE</p>"#,
            r#"<p>DIFFUSION <!--XYZ-->RESTREINTE</p>"#,
            r#"<p>DIFFUSION <span style="opacity:0"><i>XYZ</i><br></span>RESTREINTE</p>"#,
        ];
        for case in cases {
            let text = html(case);
            assert_eq!(text.visible.trim(), "DIFFUSION RESTREINTE", "{case}");
            assert_eq!(text.hidden.trim(), "XYZ", "{case}");
        }
        let text = html(
            r#"<p title="DIFFUSION RESTREINTE" class=x>Note <img alt='TR&Egrave;S SECRET' src=a.png></p>"#,
        );
        assert_eq!(text.visible.trim(), "Note");
        assert_eq!(
            text.hidden.lines().collect::<Vec<_>>(),
            ["DIFFUSION RESTREINTE", "TRÈS SECRET"]
        );
        let text = html(r#"<div>TRÈS <span style="font-size:0.8em">SECRET</span> DÉFENSE</div>"#);
        assert_eq!(text.visible.trim(), "TRÈS SECRET DÉFENSE");
        assert!(text.hidden.is_empty());
        let text = html(
            r#"<div style="display:none"><p>DIFFUSION</p><p>RESTREINTE</p></div><p>Bonjour</p>"#,
        );
        assert_eq!(text.visible.trim(), "Bonjour");
        assert_eq!(
            text.hidden.split_whitespace().collect::<Vec<_>>(),
            ["DIFFUSION", "RESTREINTE"]
        );
    }

    #[test]
    fn markup_is_read_in_linear_time() {
        for count in [1_000, 10_000] {
            let page = "<script></script>".repeat(count)
                + "<p>DIFFUSION RESTREINTE</p>"
                + &"<b><i>".repeat(count);
            let mut steps = 0u64;
            let text = html_parts(&page, &mut |n| {
                steps += n;
                true
            });
            assert_eq!(text.visible.trim(), "DIFFUSION RESTREINTE");
            assert!(steps <= 4 * count as u64 + 10, "{steps} steps for {count}");
        }
        let mut left = 100u64;
        let text = html_parts(&"<p>x</p>".repeat(1000), &mut |n| {
            left = left.saturating_sub(n);
            left > 0
        });
        assert!(text.visible.len() < 200, "reading stops when told");
    }

    #[test]
    fn xml_entity_declarations_are_noticed() {
        let xml = r#"<?xml version="1.0"?><!DOCTYPE note [<!ENTITY m "DIFFUSION RESTREINTE">]><note>&m;</note>"#;
        let text = xml_parts(xml, &mut |_| true);
        assert!(text.entity_declarations);
        assert!(!text.visible.contains("ENTITY"), "{text:?}");
        let external = r#"<!DOCTYPE note SYSTEM "note.dtd"><note>&m;</note>"#;
        assert!(xml_parts(external, &mut |_| true).entity_declarations);
        let plain = r#"<!DOCTYPE note SYSTEM "note.dtd"><note>a &amp; b &#233;</note>"#;
        let text = xml_parts(plain, &mut |_| true);
        assert!(!text.entity_declarations);
        assert_eq!(text.visible.trim(), "a & b é");
    }

    #[test]
    fn rtf_gives_its_text() {
        let rtf = br"{\rtf1\ansi{\fonttbl{\f0 Arial;}}{\*\generator Word;}\pard DIFFUSION RESTREINTE\par Conf\'e9rence \u233?t\'e9 {\b gras}}";
        let text = rtf_to_text(rtf);
        assert_eq!(text, "DIFFUSION RESTREINTE\nConférence été gras");
        let rtf = br"{\rtf1{\info{\title TR\'c8S SECRET}{\author Jean}{\creatim\yr2024}}Bonjour}";
        let text = rtf_parts(rtf, &mut |_| true);
        assert_eq!(
            (text.visible.as_str(), text.metadata.as_str()),
            ("Bonjour", "TRÈS SECRET\nJean")
        );
    }

    #[test]
    fn rtf_hidden_text_is_read_apart() {
        let rtf = br"{\rtf1\ansi DIFFUSION {\v XYZ}RESTREINTE\par TR\'c8S \v SECRET\v0 D\'c9FENSE}";
        let text = rtf_parts(rtf, &mut |_| true);
        assert_eq!(text.visible, "DIFFUSION RESTREINTE\nTRÈS DÉFENSE");
        assert_eq!(
            text.hidden.split_whitespace().collect::<Vec<_>>(),
            ["XYZ", "SECRET"]
        );
    }

    #[test]
    fn deep_rtf_groups_are_bounded() {
        let mut rtf = b"{\\rtf1 ".to_vec();
        rtf.extend(std::iter::repeat_n(b'{', 100_000));
        rtf.extend_from_slice(b"DIFFUSION RESTREINTE");
        rtf.extend(std::iter::repeat_n(b'}', 100_000));
        rtf.extend_from_slice(b" fin}");
        let text = rtf_parts(&rtf, &mut |_| true);
        assert!(text.too_deep);
        assert_eq!(text.visible, "DIFFUSION RESTREINTE fin");
    }
}
