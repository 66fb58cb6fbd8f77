//! Tag markup, HTML and XML: tags removed, entities decoded, the text a
//! reader does not see (hidden elements, comments, attributes) kept apart.

use super::table::Tables;
use super::{MAX_DATA_URIS, Markup, joined};
use crate::extract::entities::decode_entities_into;

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
    /// The tables being read, for the values under a password header.
    tables: Tables,
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
        out.table_lines.push_str(&inner.table_lines);
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
        tables: Tables::default(),
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
        if matches!(name.len(), 2 | 5) {
            reading.tables.element(name, closing, &reading.out.visible);
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
    // A table left open at the end of the document ends there.
    reading.tables.element("table", true, &reading.out.visible);
    reading.out.table_lines = std::mem::take(&mut reading.tables.lines);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn html(text: &str) -> Markup {
        html_parts(text, &mut |_| true)
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
    fn a_value_under_a_password_header_is_written_as_one() {
        let page = "<table><tr><th>Compte</th><th>Mot de passe</th></tr>\
                    <tr><td>jdupont</td><td>Vx7!kq2Lp</td></tr>\
                    <tr><td>admin</td><td><b>Tr0ub4dor&amp;3</b></td></tr></table>\
                    <table><TR><TD>Identifiant</TD><TD>root</TD></TR><TR><TD>Password:</TD><TD>hunter2x</TD></TR></table>\
                    <table><tr><td>Passage</td><td>Code postal</td></tr><tr><td>Nord</td><td>75001</td></tr></table>";
        let text = html(page);
        assert_eq!(
            text.table_lines.lines().collect::<Vec<_>>(),
            [
                "Mot de passe : Vx7!kq2Lp",
                "Mot de passe : Tr0ub4dor&3",
                "Password : hunter2x"
            ]
        );
        assert!(text.visible.contains("Vx7!kq2Lp"));
        // Tables within tables, unclosed cells, a hostile nesting.
        let nested = "<table><tr><td>pwd<td><table><tr><th>x</th></tr></table>s3cr3tValue</table>";
        assert_eq!(html(nested).table_lines, "pwd : x s3cr3tValue\n");
        let deep = "<table><tr><td>".repeat(10_000) + "mdp</td><td>v";
        let mut steps = 0u64;
        let text = html_parts(&deep, &mut |n| {
            steps += n;
            true
        });
        assert!(steps < 100_000);
        assert!(text.table_lines.len() < 100);
    }
}
