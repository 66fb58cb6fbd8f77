//! The result of a scan and its serialisations.
//!
//! The JSON form is a public contract (docs/report.md): field
//! names and enum spellings here must not change without a major version.

use std::fmt;

use serde::{Deserialize, Serialize};

pub use crate::redact::{excerpt, mask};

/// What the policy says to do with the scanned content. Ordered: `Allow <
/// Warn < Block`, so the worst of several verdicts is their maximum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Nothing the policy objects to.
    Allow,
    /// Let it through, but tell the sender or log it.
    Warn,
    /// Refuse it.
    Block,
}

/// How much of the content was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// All of it.
    Complete,
    /// Some part could not be read; `problems` says which.
    Partial,
    /// Nothing could be read.
    Unscannable,
}

/// What a rule finds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Kind {
    /// A protective marking (classification, protection mention, TLP, label).
    Marking,
    /// Personal data (identifiers, bank and card numbers).
    Pii,
    /// A credential or key.
    Secret,
    /// A rule from a custom pack that is none of the above.
    Custom,
}

/// How sure vigie is that a finding is what its rule says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// Reported for audit only (a word in capitals inside a sentence).
    Low,
    /// A multi-word marking in running text, or a marking after a hotword.
    Medium,
    /// A banner, a label in metadata, a TLP label as the standard writes it.
    High,
}

/// Which part of a document a piece of text came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Part {
    /// Running text of a message or page.
    #[default]
    Body,
    /// Page header.
    Header,
    /// Page footer.
    Footer,
    /// Speaker notes, footnotes, endnotes.
    Notes,
    /// Review comments.
    Comment,
    /// Document properties and other metadata.
    Metadata,
    /// A sensitivity label.
    Label,
    /// Text read from an image by OCR.
    Ocr,
    /// Text a reader of the document does not see (HTML hidden by its
    /// style, RTF hidden text): reported apart, so that a marking hidden
    /// from the reader is still found and said to be hidden.
    Hidden,
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Verdict::Allow => "allow",
            Verdict::Warn => "warn",
            Verdict::Block => "block",
        })
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Status::Complete => "complete",
            Status::Partial => "partial",
            Status::Unscannable => "unscannable",
        })
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Kind::Marking => "marking",
            Kind::Pii => "pii",
            Kind::Secret => "secret",
            Kind::Custom => "custom",
        })
    }
}

impl fmt::Display for Confidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        })
    }
}

/// Where a finding stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    /// Page number, from 1, for paged documents.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub page: Option<u32>,
    /// The part of the document.
    pub part: Part,
    /// The chain of containers down to the text (`dossier.zip`, `note.docx`);
    /// empty for a message.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub path: Vec<String>,
    /// Byte offset of the first byte in the original text.
    pub start: usize,
    /// Byte offset just past the last byte in the original text.
    pub end: usize,
    /// Where in an image the text was read, for text read by OCR.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub pixels: Option<PixelBox>,
}

/// A rectangle of an image, in pixels from its top left corner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PixelBox {
    /// Pixels from the left edge.
    pub x: u32,
    /// Pixels from the top edge.
    pub y: u32,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

/// One thing a rule found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// Rule id, such as `fr.diffusion-restreinte`.
    pub rule: String,
    /// What was found.
    pub kind: Kind,
    /// Level on the common scale; `None` (JSON `null`) for caveats and
    /// non-marking findings.
    pub level: Option<u8>,
    /// How sure vigie is.
    pub confidence: Confidence,
    /// Why it has that confidence, in words.
    pub reason: String,
    /// Where it is.
    pub location: Location,
    /// The text found, masked for personal data and secrets.
    pub excerpt: String,
}

/// Codes of the problems that keep content from being read in full.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ProblemCode {
    /// Encrypted content that needs a key vigie does not have.
    Encrypted,
    /// A resource limit tripped; the rest was not read.
    Limit,
    /// The content is damaged.
    Corrupt,
    /// A format vigie cannot read.
    Unsupported,
    /// An image could not be read because OCR is not available.
    OcrUnavailable,
}

/// Something that kept part of the content from being read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// Machine-readable code.
    pub code: ProblemCode,
    /// What happened, for a person.
    pub message: String,
}

/// The result of scanning one input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    /// Name of the input (a path, `-` for standard input), when the caller
    /// gave one.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub source: Option<String>,
    /// What the policy says to do.
    pub verdict: Verdict,
    /// How much was read.
    pub status: Status,
    /// What was found, in document order.
    pub findings: Vec<Finding>,
    /// What could not be read.
    pub problems: Vec<Problem>,
    /// The images met, and how each was read (OCR'd, or why not); absent
    /// from the JSON when there were none.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub images: Vec<ImageNote>,
}

/// An image met during a scan, and how it was read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageNote {
    /// The chain of containers down to the image; its last element names
    /// the image when it is a file of its own.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub path: Vec<String>,
    /// The page it is drawn on, in a paged document.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub page: Option<u32>,
    /// Its width in pixels (0 when it could not be known).
    pub width: u32,
    /// Its height in pixels (0 when it could not be known).
    pub height: u32,
    /// How it was read.
    pub read: ImageRead,
}

/// How an image was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ImageRead {
    /// Its pixels were read by OCR.
    Ocr,
    /// Too small to hold a line of text (an icon, a tracking pixel): read
    /// as holding none, without OCR.
    TooSmall,
    /// Decoded, and nothing in it is shaped like text (a logo, a
    /// photograph of a landscape): read as holding none, without OCR.
    NoText,
    /// Its pixels were not read; a problem says why.
    NotRead,
}

impl Report {
    /// Names the input this report is about.
    pub fn with_source(mut self, source: impl Into<String>) -> Self {
        self.source = Some(source.into());
        self
    }

    /// The report as one line of JSON (the `--format json` contract).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a report always serialises")
    }

    /// The highest marking level found at or above `min_confidence`.
    pub fn max_level(&self, min_confidence: Confidence) -> Option<u8> {
        self.findings
            .iter()
            .filter(|f| f.confidence >= min_confidence)
            .filter_map(|f| f.level)
            .max()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts_order_from_allow_to_block() {
        assert!(Verdict::Allow < Verdict::Warn && Verdict::Warn < Verdict::Block);
        assert!(Confidence::Low < Confidence::Medium && Confidence::Medium < Confidence::High);
    }

    #[test]
    fn json_follows_the_report_contract() {
        let report = Report {
            source: Some("note.txt".into()),
            verdict: Verdict::Block,
            status: Status::Complete,
            findings: vec![Finding {
                rule: "fr.diffusion-restreinte".into(),
                kind: Kind::Marking,
                level: Some(2),
                confidence: Confidence::High,
                reason: "banner: a line of its own".into(),
                location: Location {
                    page: None,
                    part: Part::Body,
                    path: vec![],
                    start: 0,
                    end: 20,
                    pixels: None,
                },
                excerpt: "DIFFUSION RESTREINTE".into(),
            }],
            problems: vec![Problem {
                code: ProblemCode::OcrUnavailable,
                message: "m".into(),
            }],
            images: vec![],
        };
        let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
        assert_eq!(json["verdict"], "block");
        assert_eq!(json["status"], "complete");
        assert_eq!(json["findings"][0]["rule"], "fr.diffusion-restreinte");
        assert_eq!(json["findings"][0]["kind"], "marking");
        assert_eq!(json["findings"][0]["level"], 2);
        assert_eq!(json["findings"][0]["confidence"], "high");
        assert_eq!(json["findings"][0]["location"]["part"], "body");
        assert_eq!(json["findings"][0]["location"]["end"], 20);
        assert_eq!(json["problems"][0]["code"], "ocr-unavailable");
        let back: Report = serde_json::from_value(json).unwrap();
        assert_eq!(back, report);
    }
}
