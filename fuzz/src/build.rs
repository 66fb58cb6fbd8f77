//! Small valid containers built in memory around a fuzzed part, so that the
//! fuzzer spends its time in the part's parser instead of in the zip
//! reader's rejections. Entries are stored (not compressed): the bytes the
//! fuzzer writes are the bytes the extractor reads.

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

/// A zip archive of `entries` (name, content), stored, in order.
pub fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
    for (name, content) in entries {
        writer
            .start_file(*name, options)
            .expect("an entry starts in memory");
        writer.write_all(content).expect("writes to memory");
    }
    writer.finish().expect("the archive ends").into_inner()
}

/// `[Content_Types].xml` of a minimal Office Open XML package: its presence
/// is what makes an archive an OOXML document.
const CONTENT_TYPES: &[u8] = br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>"#;

/// The parts of an OOXML document the fuzzed XML can stand in for: the
/// body, headers, footers, notes, comments and properties of Word, Excel and
/// PowerPoint files, and the custom properties that carry sensitivity
/// labels.
pub const OOXML_PARTS: &[&str] = &[
    "word/document.xml",
    "word/header1.xml",
    "word/footer1.xml",
    "word/footnotes.xml",
    "word/comments.xml",
    "docProps/core.xml",
    "docProps/custom.xml",
    "xl/sharedStrings.xml",
    "xl/worksheets/sheet1.xml",
    "ppt/slides/slide1.xml",
    "ppt/notesSlides/notesSlide1.xml",
    "ppt/comments/comment1.xml",
];

/// A docx-like package: `[Content_Types].xml` and `xml` as the part
/// [`OOXML_PARTS`]`[selector % len]`.
pub fn ooxml(selector: u8, xml: &[u8]) -> Vec<u8> {
    let part = OOXML_PARTS[usize::from(selector) % OOXML_PARTS.len()];
    zip(&[("[Content_Types].xml", CONTENT_TYPES), (part, xml)])
}

/// The parts of an OpenDocument file the fuzzed XML can stand in for.
pub const ODF_PARTS: &[&str] = &["content.xml", "styles.xml", "meta.xml"];

/// An OpenDocument text: its `mimetype` entry first, as the format asks, and
/// `xml` as the part [`ODF_PARTS`]`[selector % len]`.
pub fn odf(selector: u8, xml: &[u8]) -> Vec<u8> {
    let part = ODF_PARTS[usize::from(selector) % ODF_PARTS.len()];
    zip(&[
        ("mimetype", b"application/vnd.oasis.opendocument.text"),
        (part, xml),
    ])
}

/// Splits `data` into at most `max` pieces at each `\n--\n` (the separator
/// the seeds use), for archives of several entries.
pub fn pieces(data: &[u8], max: usize) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut rest = data;
    while out.len() + 1 < max {
        match memchr_sep(rest) {
            Some(at) => {
                out.push(&rest[..at]);
                rest = &rest[at + 4..];
            }
            None => break,
        }
    }
    out.push(rest);
    out
}

/// Where the separator `\n--\n` first stands in `data`.
fn memchr_sep(data: &[u8]) -> Option<usize> {
    data.windows(4).position(|w| w == b"\n--\n")
}

/// `data` as the sniffer will route it to `format`: unchanged when it
/// already is, else with `prefix` before it (the format's magic bytes). The
/// sniffer may still say otherwise (binary bytes are never HTML); such
/// inputs are scanned all the same.
pub fn routed(format: vigie::extract::sniff::Format, prefix: &[u8], data: &[u8]) -> Vec<u8> {
    if vigie::extract::sniff::format(data) == format {
        data.to_vec()
    } else {
        [prefix, data].concat()
    }
}
