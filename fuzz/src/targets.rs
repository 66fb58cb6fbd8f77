//! The fuzz targets, by name, and what each does with its input. Every
//! `fuzz_targets/*.rs` is `fuzz_target!(|data| Target::X.check(data))`, and
//! the regression test replays `fuzz/regressions/<name>/*` through
//! `Target::from_name(name).check`.

use std::sync::LazyLock;

use vigie::Scanner;
use vigie::extract::sniff::Format;

use crate::build;
use crate::invariants;

/// The scanner the targets use: built-in rules, default policy (the product
/// as shipped), built once per process.
pub static SCANNER: LazyLock<Scanner> = LazyLock::new(Scanner::new);

/// One fuzz target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Any bytes, as an attachment and as text.
    ScanBytes,
    /// Any text, as a message and as a segment of a chosen part and page.
    Text,
    /// Any text through the normalizer and its map back.
    Normalize,
    /// Any bytes as a PDF.
    Pdf,
    /// Any XML as one part of an Office Open XML package.
    Ooxml,
    /// Any XML as one part of an OpenDocument file.
    Odf,
    /// A raw zip, or an archive (and an archive in an archive) of pieces of
    /// the input.
    Zip,
    /// Any bytes as an e-mail message.
    Email,
    /// Any bytes as HTML.
    Html,
    /// Any bytes as RTF.
    Rtf,
    /// Any bytes as a picture: its metadata, and its pixels decoded,
    /// prepared and handed to an engine that reads nothing.
    Image,
    /// Any text as a policy, TOML and JSON.
    Policy,
    /// Any text as a rule pack.
    RulePack,
}

/// Entry names of the archives the zip target builds; the extension does
/// not matter to vigie, the content does.
const ZIP_NAMES: [&str; 8] = [
    "a.txt",
    "b/c.html",
    "d.pdf",
    "e.eml",
    "f/g/h.rtf",
    "i.docx",
    "j.zip",
    "k",
];

/// Enough headers for the sniffer to say e-mail: two, one of which only a
/// message has.
const EMAIL_HEADERS: &[u8] = b"From: a@example.fr\r\nMIME-Version: 1.0\r\n";

impl Target {
    /// Every target, in the order the fuzz script runs them.
    pub const ALL: [Target; 13] = [
        Target::ScanBytes,
        Target::Text,
        Target::Normalize,
        Target::Pdf,
        Target::Ooxml,
        Target::Odf,
        Target::Zip,
        Target::Email,
        Target::Html,
        Target::Rtf,
        Target::Image,
        Target::Policy,
        Target::RulePack,
    ];

    /// The target's name: its binary, its `fuzz/regressions/` folder.
    pub fn name(self) -> &'static str {
        match self {
            Target::ScanBytes => "scan_bytes",
            Target::Text => "text",
            Target::Normalize => "normalize",
            Target::Pdf => "pdf",
            Target::Ooxml => "ooxml",
            Target::Odf => "odf",
            Target::Zip => "zip",
            Target::Email => "email",
            Target::Html => "html",
            Target::Rtf => "rtf",
            Target::Image => "image",
            Target::Policy => "policy",
            Target::RulePack => "rule_pack",
        }
    }

    /// The target called `name`.
    pub fn from_name(name: &str) -> Option<Target> {
        Target::ALL.into_iter().find(|t| t.name() == name)
    }

    /// Runs one input through the target: panics when an invariant breaks.
    pub fn check(self, data: &[u8]) {
        let scanner = &*SCANNER;
        match self {
            Target::ScanBytes => invariants::check_bytes(scanner, data),
            Target::Text => invariants::check_segment(scanner, data),
            Target::Normalize => invariants::check_normalized(data),
            Target::Pdf => {
                let pdf = build::routed(Format::Pdf, b"%PDF-1.7\n", data);
                invariants::check_bytes(scanner, &pdf);
            }
            Target::Ooxml | Target::Odf => {
                let Some((&part, xml)) = data.split_first() else {
                    return;
                };
                let document = if self == Target::Ooxml {
                    build::ooxml(part, xml)
                } else {
                    build::odf(part, xml)
                };
                invariants::check_bytes(scanner, &document);
            }
            Target::Zip => {
                if data.starts_with(b"PK") {
                    invariants::check_bytes(scanner, data);
                    return;
                }
                let entries: Vec<(&str, &[u8])> = build::pieces(data, ZIP_NAMES.len())
                    .into_iter()
                    .enumerate()
                    .map(|(i, piece)| (ZIP_NAMES[i], piece))
                    .collect();
                let inner = build::zip(&entries);
                invariants::check_bytes(scanner, &inner);
                invariants::check_bytes(scanner, &build::zip(&[("inner.zip", &inner)]));
            }
            Target::Email => {
                // The input continues the headers; if its first line cannot
                // be a header, it is the body after them.
                let mut message = build::routed(Format::Email, EMAIL_HEADERS, data);
                if vigie::extract::sniff::format(&message) != Format::Email {
                    message = [EMAIL_HEADERS, b"\r\n", data].concat();
                }
                invariants::check_bytes(scanner, &message);
            }
            Target::Html => {
                let html = build::routed(Format::Html, b"<html>", data);
                invariants::check_bytes(scanner, &html);
            }
            Target::Rtf => {
                let rtf = build::routed(Format::Rtf, b"{\\rtf1 ", data);
                invariants::check_bytes(scanner, &rtf);
            }
            Target::Image => {
                let image = build::routed(Format::Image, b"\x89PNG\r\n\x1a\n", data);
                invariants::check_bytes(scanner, &image);
                invariants::check_image_pixels(&image);
            }
            Target::Policy => invariants::check_policy(data),
            Target::RulePack => invariants::check_rule_pack(data),
        }
    }
}
