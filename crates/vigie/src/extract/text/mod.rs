//! Text formats: character encodings (UTF-8, UTF-16 with a byte-order mark,
//! Windows-1252), HTML and XML (markup removed, entities decoded) and RTF.
//!
//! Markup is read in one pass, in time linear in its size, counting a step
//! of parsing work per tag, text run or control word. HTML and RTF text
//! that a reader does not see (`display:none`, `hidden`, `<template>`,
//! comments, RTF `\v`) is kept apart from what they see, so that a marking
//! hidden from the reader is still found, and said to be hidden.

mod json;
mod markup;
mod rtf;
mod table;

use super::sniff::Format;
use super::{Extractor, child, located};
use crate::report::{Part, ProblemCode};

pub(crate) use super::encoding::windows_1252_char;
pub use super::encoding::{decode, decode_owned, looks_like_text, windows_1252};
pub use super::entities::decode_entities;
pub(crate) use super::entities::entity;
pub(crate) use markup::{html_parts, xml_parts};
pub use markup::{html_to_text, xml_to_text};
use rtf::MAX_RTF_DEPTH;
pub(crate) use rtf::rtf_parts;
pub use rtf::rtf_to_text;

/// Reads a text format (plain text, HTML, XML, RTF) under the extraction
/// budget: visible text as the body, hidden text as [`Part::Hidden`], and a
/// problem for what is not read (an XML document type that declares
/// entities, RTF groups nested too deep, a step limit).
pub(crate) fn extract(ex: &mut Extractor, bytes: &[u8], format: Format, path: &[String]) {
    let markup = match format {
        Format::Html => html_parts(&decode(bytes), &mut |n| ex.step(n, path)),
        Format::Xml => xml_parts(&decode(bytes), &mut |n| ex.step(n, path)),
        Format::Rtf => rtf_parts(bytes, &mut |n| ex.step(n, path)),
        Format::Json => {
            let text = decode(bytes);
            let cap = ex.budget().limits().max_text_bytes;
            match json::json_text(&text, cap, &mut |n| ex.step(n, path)) {
                Ok((strings, hidden)) => {
                    ex.push(strings, Part::Body, None, path);
                    ex.push(hidden, Part::Hidden, None, path);
                }
                Err(json::NotJson::Stopped) => {}
                Err(not_json) => {
                    if not_json == json::NotJson::TooDeep {
                        ex.problem(
                            ProblemCode::Limit,
                            located(
                                path,
                                &format!(
                                    "JSON nested deeper than {}; read as plain text, its escapes not decoded",
                                    json::MAX_JSON_DEPTH
                                ),
                            ),
                        );
                    }
                    ex.step(text.len() as u64 / 4096, path);
                    ex.push(text, Part::Body, None, path);
                }
            }
            return;
        }
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
    ex.push(markup.headers, Part::Header, None, path);
    ex.push(markup.footers, Part::Footer, None, path);
    ex.push(markup.notes, Part::Notes, None, path);
    ex.push(markup.labels, Part::Label, None, path);
    ex.push(markup.table_lines, Part::Body, None, path);
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
        match crate::base64::decode(encoded) {
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
    /// Page headers (RTF `\header...`).
    pub(crate) headers: String,
    /// Page footers (RTF `\footer...`).
    pub(crate) footers: String,
    /// Footnotes and endnotes (RTF `\footnote`).
    pub(crate) notes: String,
    /// Sensitivity labels (RTF custom properties `MSIP_Label_..._Name`).
    pub(crate) labels: String,
    /// Values of HTML table cells under a password header, written
    /// `header : value`, one a line (see `table`).
    pub(crate) table_lines: String,
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

/// Visible text, then the other parts (hidden text, metadata, headers,
/// footers, notes, comments, labels), each on lines of their own.
fn joined(mut markup: Markup) -> String {
    for other in [
        &markup.hidden,
        &markup.metadata,
        &markup.headers,
        &markup.footers,
        &markup.notes,
        &markup.comments,
        &markup.labels,
    ] {
        if !other.trim().is_empty() {
            markup.visible.push('\n');
            markup.visible.push_str(other);
        }
    }
    markup.visible
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What [`extract`] gives for `bytes` of `format`.
    fn extracted(
        bytes: &[u8],
        format: Format,
        limits: crate::budget::Limits,
    ) -> super::super::Extraction {
        let mut ex = Extractor::new(super::super::Context::new(limits));
        extract(&mut ex, bytes, format, &["x".to_string()]);
        ex.finish()
    }

    #[test]
    fn text_formats_read_under_the_budget_keep_hidden_text_apart() {
        let limits = crate::budget::Limits::default();
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
        let limits = crate::budget::Limits {
            max_steps: 1000,
            ..limits
        };
        let out = extracted("<p>x</p>".repeat(10_000).as_bytes(), Format::Html, limits);
        assert_eq!(out.problems[0].code, ProblemCode::Limit);
        let deep = [b"{\\rtf1 ".as_slice(), &[b'{'; 1000], b"x"].concat();
        let out = extracted(&deep, Format::Rtf, crate::budget::Limits::default());
        assert_eq!(out.problems[0].code, ProblemCode::Limit);
    }
}
