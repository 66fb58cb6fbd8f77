//! What a run of bytes is, from its content: magic bytes and container
//! structure, never a file name.

use std::io::Cursor;

use ::zip::ZipArchive;

/// The formats vigie tells apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// PDF (`%PDF-` in the first kilobyte).
    Pdf,
    /// A zip archive; Office Open XML and OpenDocument files are zips too,
    /// told apart by their entries.
    Zip,
    /// Rich Text Format.
    Rtf,
    /// An HTML document.
    Html,
    /// An XML document.
    Xml,
    /// A JSON document (or JSON Lines): a chat export, a configuration.
    Json,
    /// An e-mail message (RFC 5322 headers).
    Email,
    /// A PNG, JPEG, GIF, TIFF, WebP or BMP image.
    Image,
    /// Plain text in some encoding.
    Text,
    /// Anything else.
    Binary,
}

/// Tells the format of `bytes`.
pub fn format(bytes: &[u8]) -> Format {
    let head = &bytes[..bytes.len().min(1024)];
    if memchr::memmem::find(head, b"%PDF-").is_some() {
        return Format::Pdf;
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return Format::Zip;
    }
    if bytes.starts_with(b"{\\rtf") {
        return Format::Rtf;
    }
    if is_image(bytes) {
        return Format::Image;
    }
    let utf16 = bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF");
    if !utf16 && !super::encoding::looks_like_text(bytes) {
        return Format::Binary;
    }
    if utf16 {
        // Markup in UTF-16 is markup: its decoded head tells.
        let decoded = super::encoding::decode(head);
        let start = lowered_start(&decoded, 512);
        return match markup(&start) {
            Some(format) => format,
            None => Format::Text,
        };
    }
    let start = lowered_start(&String::from_utf8_lossy(head), 512);
    if let Some(format) = markup(&start) {
        return format;
    }
    // Whether it is JSON in full is for the reader to say: text that is
    // not is read as plain text.
    if looks_like_json(&start) {
        return Format::Json;
    }
    if is_email(&String::from_utf8_lossy(mail_head(bytes)).to_ascii_lowercase()) {
        return Format::Email;
    }
    if is_html_fragment(&start) {
        return Format::Html;
    }
    Format::Text
}

/// The first `limit` bytes (at most) of `text`, without a byte order mark
/// or leading white space, in ASCII lower case.
pub(crate) fn lowered_start(text: &str, limit: usize) -> String {
    let text = text.trim_start_matches('\u{FEFF}').trim_start();
    let mut end = text.len().min(limit);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.get(..end).unwrap_or("").to_ascii_lowercase()
}

/// Bytes of an e-mail's header block that tell whether it is one: at most
/// [`MAIL_HEAD_BYTES`], cut after the last whole line when cut.
fn mail_head(bytes: &[u8]) -> &[u8] {
    if bytes.len() <= MAIL_HEAD_BYTES {
        return bytes;
    }
    let head = bytes.get(..MAIL_HEAD_BYTES).unwrap_or(bytes);
    match memchr::memrchr(b'\n', head) {
        Some(end) => head.get(..end).unwrap_or(head),
        None => head,
    }
}

/// How much of a header block is looked at for a telling header.
const MAIL_HEAD_BYTES: usize = 8192;
/// How many header lines are looked at for a telling header.
const MAIL_HEAD_LINES: usize = 64;

/// The markup format a lowered start shows, if any: HTML, XML (SVG
/// included).
fn markup(start: &str) -> Option<Format> {
    if start.starts_with("<!doctype html")
        || start.starts_with("<html")
        || (start.starts_with('<') && start.contains("<body"))
    {
        return Some(Format::Html);
    }
    if start.starts_with("<?xml") {
        return Some(if start.contains("<html") {
            Format::Html
        } else {
            Format::Xml
        });
    }
    if start.starts_with("<svg")
        && start
            .get(4..5)
            .is_some_and(|c| c == ">" || c.trim().is_empty())
    {
        return Some(Format::Xml);
    }
    None
}

/// Elements that make a fragment HTML (`<p>DIFFUSION <b>RESTREINTE</b></p>`,
/// a Matrix `formatted_body`): the common ones of formatted text.
const FRAGMENT_ELEMENTS: &[&str] = &[
    "a",
    "b",
    "i",
    "u",
    "s",
    "p",
    "br",
    "hr",
    "em",
    "strong",
    "span",
    "div",
    "font",
    "sub",
    "sup",
    "del",
    "ins",
    "mark",
    "small",
    "big",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tr",
    "td",
    "th",
    "img",
    "strike",
    "tt",
    "center",
    "template",
    "details",
    "summary",
    "q",
    "cite",
    "abbr",
    "mx-reply",
    "section",
    "article",
    "header",
    "footer",
    "label",
    "style",
    "script",
];

/// Whether a text without `<html>` or `<body>` is an HTML fragment: it
/// holds a tag of formatted text (`<b>`, `<span style=...>`, `</p>`), a
/// comment, or an HTML entity (`&nbsp;`, `&#233;`, `&#x44;`), so that its markup and
/// entities are read as a browser would render them.
pub(crate) fn is_html_fragment(start: &str) -> bool {
    let tag = start.match_indices('<').any(|(at, _)| {
        let rest = start.get(at + 1..).unwrap_or("");
        let rest = rest.strip_prefix('/').unwrap_or(rest);
        let name_end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
            .unwrap_or(rest.len());
        let name = rest.get(..name_end).unwrap_or("");
        let after = rest.get(name_end..).unwrap_or("");
        FRAGMENT_ELEMENTS.contains(&name) && after.starts_with(['>', ' ', '/', '\t', '\n', '\r'])
    });
    let entity = start.match_indices('&').any(|(at, _)| {
        let rest = start.get(at + 1..).unwrap_or("");
        let name_end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '#'))
            .unwrap_or(rest.len());
        let name = rest.get(..name_end).unwrap_or("");
        // A numeric reference is one even without its `;` (`&#68IFFUSION`).
        let numeric = name.strip_prefix('#').is_some_and(|n| {
            n.starts_with(|c: char| c.is_ascii_digit())
                || (n.starts_with('x') && n[1..].starts_with(|c: char| c.is_ascii_hexdigit()))
        });
        numeric
            || (rest.get(name_end..).is_some_and(|r| r.starts_with(';'))
                && super::entities::entity(name).is_some())
    });
    tag || entity || start.contains("<!--")
}

fn is_image(bytes: &[u8]) -> bool {
    bytes.starts_with(b"\x89PNG\r\n\x1a\n")
        || bytes.starts_with(b"\xFF\xD8\xFF")
        || bytes.starts_with(b"GIF87a")
        || bytes.starts_with(b"GIF89a")
        || bytes.starts_with(b"II*\0")
        || bytes.starts_with(b"MM\0*")
        || (bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP"))
        || bytes.starts_with(b"BM") && bytes.len() > 26 && bytes[6..10] == [0, 0, 0, 0]
}

/// An e-mail starts with header lines, among them one that only a message
/// has.
fn is_email(start: &str) -> bool {
    let mut headers = 0;
    let mut telling = false;
    let (mut date, mut addressed) = (false, false);
    for line in start.lines().take(MAIL_HEAD_LINES) {
        // The blank line that ends the headers (a lone `\r` when the head
        // was cut just after it, before a long first line of body).
        if line.trim_end_matches('\r').is_empty() {
            break;
        }
        if line.starts_with([' ', '\t']) {
            continue;
        }
        let Some((name, _)) = line.split_once(':') else {
            return false;
        };
        // Field names are printable ASCII (`msip_labels`, `X-MS-Exchange.x`).
        let field_byte = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.');
        if name.is_empty() || !name.bytes().all(field_byte) {
            return false;
        }
        headers += 1;
        telling |= matches!(
            name,
            "from" | "received" | "mime-version" | "message-id" | "return-path" | "delivered-to"
        );
        date |= name == "date";
        addressed |= matches!(name, "to" | "subject");
    }
    headers >= 2 && (telling || (date && addressed))
}

/// The two families of zipped office documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OfficeKind {
    /// Office Open XML (ECMA-376).
    Ooxml,
    /// OpenDocument (ISO/IEC 26300).
    Odf,
}

/// Which family of office document a zip archive is, if any: by its
/// `[Content_Types].xml` part (Office Open XML) or its `mimetype` entry
/// (OpenDocument), as the standards define them.
pub(crate) fn office_kind(archive: &mut ZipArchive<Cursor<&[u8]>>) -> Option<OfficeKind> {
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

/// Whether the start of a text looks like JSON (after white space and a
/// byte order mark): an object opening on a key or closing, or an array
/// opening on a value or closing. The reader decides the rest.
pub(super) fn looks_like_json(start: &str) -> bool {
    let text = start.trim_start_matches('\u{FEFF}').trim_start();
    let mut chars = text.chars();
    let first = chars.next();
    let next = chars.as_str().trim_start().chars().next();
    match (first, next) {
        (Some('{'), Some(c)) => matches!(c, '"' | '}'),
        (Some('['), Some(c)) => {
            matches!(c, '{' | '[' | '"' | ']' | '-' | '0'..='9')
                || ["true", "false", "null"]
                    .iter()
                    .any(|l| chars.as_str().trim_start().starts_with(l))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_come_from_content() {
        assert_eq!(format(b"%PDF-1.7\n..."), Format::Pdf);
        assert_eq!(format(b"PK\x03\x04\x14\0"), Format::Zip);
        assert_eq!(format(br"{\rtf1\ansi hello}"), Format::Rtf);
        assert_eq!(format(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Format::Image);
        assert_eq!(format(b"\xFF\xD8\xFF\xE0\0\x10JFIF"), Format::Image);
        assert_eq!(
            format(b"<!DOCTYPE html><html><body>x</body></html>"),
            Format::Html
        );
        assert_eq!(
            format(b"<?xml version=\"1.0\"?><note>x</note>"),
            Format::Xml
        );
        assert_eq!(
            format(b"From: a@example.fr\r\nTo: b@example.fr\r\nSubject: x\r\n\r\nbody"),
            Format::Email
        );
        assert_eq!(format(b"Subject: not a mail\nbut a note"), Format::Text);
        // A body whose first line is longer than the head looked at.
        let long = [
            b"From: a@example.fr\r\nTo: b@example.fr\r\nSubject: x\r\n\r\n".as_slice(),
            &[b'Q'; 20_000],
        ]
        .concat();
        assert_eq!(format(&long), Format::Email);
        assert_eq!(
            format(b"msip_labels: MSIP_Label_1_Name=DR;\r\nFrom: a@example.fr\r\nTo: b@example.fr\r\n\r\nx"),
            Format::Email
        );
        assert_eq!(format("Bonjour à tous".as_bytes()), Format::Text);
        assert_eq!(format(b"[{\"body\": \"<b>x</b>\"}]"), Format::Json);
        assert_eq!(format(b"{\"a\": 1}"), Format::Json);
        assert_eq!(format(b"[DR] compte rendu"), Format::Text);
        assert_eq!(format(b"\xFF\xFEB\0o\0n\0"), Format::Text);
        assert_eq!(format(b"\x7FELF\x02\x01\x01\0\0\0\0\0"), Format::Binary);
    }

    #[test]
    fn html_fragments_are_html() {
        assert_eq!(format(b"<p>DIFFUSION <b>RESTREINTE</b></p>"), Format::Html);
        assert_eq!(format(b"DIFFUSION&nbsp;RESTREINTE"), Format::Html);
        assert_eq!(format(b"&#x44;IFFUSION RESTREINTE"), Format::Html);
        assert_eq!(
            format(b"<mx-reply><blockquote>x</blockquote></mx-reply>Note <span data-mx-spoiler>DIFFUSION RESTREINTE</span>"),
            Format::Html
        );
        assert_eq!(format(b"Vec<String> and R&D, a < b"), Format::Text);
        assert_eq!(format(b"fish & chips; AT&T;"), Format::Text);
    }

    #[test]
    fn json_is_told_by_its_start() {
        for yes in [
            "{\"a\":1}",
            " \n[{\"a\":1}]",
            "[1, 2]",
            "[]",
            "{}",
            "\u{FEFF}[true]",
            "[\"x\"]",
        ] {
            assert!(looks_like_json(yes), "{yes}");
        }
        for no in [
            "[link](http://x)",
            "{note} DIFFUSION",
            "[DR] note",
            "{\\rtf1",
            "x {\"a\":1}",
            "[",
        ] {
            assert!(!looks_like_json(no), "{no}");
        }
    }
}
