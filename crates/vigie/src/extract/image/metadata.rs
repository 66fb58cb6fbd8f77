//! Text in the metadata of image files, read without OCR: PNG text chunks,
//! EXIF and TIFF tags, XMP packets, JPEG comments and IPTC records, WebP
//! and GIF metadata. Each image gives one `metadata` segment of
//! "key: value" lines, the text of its XMP packets, and its sensitivity
//! labels (`MSIP_Label_<GUID>_Name`) as `label` segments.
//!
//! Every offset, length and count comes from the file: each is checked
//! against the bytes there are before it is used, the walks are counted as
//! steps of the budget, and what a file holds is capped ([`MAX_TEXT_BYTES`]
//! of text, [`MAX_INFLATED_BYTES`] per compressed chunk).

mod gif;
mod iptc;
mod jpeg;
mod png;
mod riff;
#[cfg(test)]
mod tests;
mod tiff;
mod xmp;

pub(crate) use xmp::push_xmp;

use std::io::Read;

use flate2::read::ZlibDecoder;

use crate::extract::{Extractor, located};
use crate::report::{Part, ProblemCode};

/// Most bytes of metadata text read from one image (fields and XMP
/// packets together); past it, a `limit` problem.
pub(crate) const MAX_TEXT_BYTES: usize = 1 << 20;

/// Most bytes one compressed chunk (PNG zTXt, compressed iTXt) may inflate
/// to; past it, a `limit` problem and the chunk is not read.
pub(crate) const MAX_INFLATED_BYTES: u64 = 1 << 20;

impl Extractor<'_> {
    /// Reads the text of the metadata of the image file `file` (PNG, JPEG,
    /// TIFF, WebP, GIF; BMP has none) found at `path`, as metadata and label
    /// segments; what cannot be read is a problem (corrupt / limit /
    /// unsupported), what is absent is nothing.
    pub(crate) fn image_metadata(&mut self, file: &[u8], path: &[String]) {
        if self.stopped() {
            return;
        }
        let reader: (&'static str, fn(&mut Sink, &[u8])) = if file.starts_with(png::SIGNATURE) {
            ("PNG", png::read)
        } else if file.starts_with(b"\xFF\xD8") {
            ("JPEG", jpeg::read)
        } else if file.starts_with(b"II*\0") || file.starts_with(b"MM\0*") {
            ("TIFF", |sink, file| tiff::read(sink, file, "TIFF"))
        } else if file.starts_with(b"RIFF") && file.get(8..12) == Some(b"WEBP") {
            ("WebP", riff::read)
        } else if file.starts_with(b"GIF87a") || file.starts_with(b"GIF89a") {
            ("GIF", gif::read)
        } else {
            // BMP, and whatever else the sniffer calls an image: no text
            // metadata to read.
            return;
        };
        let (format, read) = reader;
        let mut sink = Sink::new(self, path, format);
        read(&mut sink, file);
        sink.finish();
    }
}

/// Where the readers of each format put what they find: fields become
/// lines of the metadata segment, XMP packets are read as XML, label names
/// become label segments; and where their problems go.
pub(crate) struct Sink<'x, 'a> {
    ex: &'x mut Extractor<'a>,
    path: &'x [String],
    /// The format's name, at the head of problem messages.
    format: &'static str,
    /// "key: value" lines.
    lines: String,
    /// Sensitivity label names.
    labels: Vec<String>,
    /// Bytes of text taken so far (fields, labels and XMP packets).
    taken: usize,
    /// Set once [`MAX_TEXT_BYTES`] was reached: nothing more is taken.
    full: bool,
}

impl<'x, 'a> Sink<'x, 'a> {
    fn new(ex: &'x mut Extractor<'a>, path: &'x [String], format: &'static str) -> Self {
        Sink {
            ex,
            path,
            format,
            lines: String::new(),
            labels: Vec::new(),
            taken: 0,
            full: false,
        }
    }

    /// Takes `bytes` more of text from the image's allowance; false (and a
    /// `limit` problem, once) when they do not fit.
    fn take(&mut self, bytes: usize) -> bool {
        if self.full {
            return false;
        }
        if self.taken.saturating_add(bytes) > MAX_TEXT_BYTES {
            self.full = true;
            self.problem(
                ProblemCode::Limit,
                format!("more than {MAX_TEXT_BYTES} bytes of metadata text; the rest was not read"),
            );
            return false;
        }
        self.taken += bytes;
        true
    }

    /// A field: `value` under `key`, NULs dropped (a NUL between strings
    /// becomes a space). A key `MSIP_Label_<GUID>_Name` makes a label.
    pub(crate) fn field(&mut self, key: &str, value: &str) {
        let value = clean(value);
        if value.is_empty() || !self.take(key.len() + value.len() + 3) {
            return;
        }
        if is_label_name(key) {
            self.labels.push(value);
            return;
        }
        self.lines.push_str(key);
        self.lines.push_str(": ");
        self.lines.push_str(&value);
        self.lines.push('\n');
    }

    /// An XMP packet.
    pub(crate) fn xmp(&mut self, packet: &[u8]) {
        if packet.iter().all(|b| b.is_ascii_whitespace() || *b == 0) || !self.take(packet.len()) {
            return;
        }
        push_xmp(self.ex, packet, self.path);
    }

    /// Records a problem, prefixed with the path and the format.
    pub(crate) fn problem(&mut self, code: ProblemCode, message: String) {
        let message = format!("{} metadata: {message}", self.format);
        self.ex.problem(code, located(self.path, &message));
    }

    /// A `corrupt` problem.
    pub(crate) fn corrupt(&mut self, message: String) {
        self.problem(ProblemCode::Corrupt, message);
    }

    /// Counts `units` of parsing work; false once a limit tripped (or the
    /// text allowance is spent): the reader stops.
    pub(crate) fn step(&mut self, units: u64) -> bool {
        !self.full && self.ex.step(units, self.path)
    }

    /// Inflates the zlib stream `compressed` (`what` names it in problems)
    /// to at most [`MAX_INFLATED_BYTES`] and what the scan may still
    /// inflate. None, with the problem recorded, when it does not inflate
    /// or inflates past the cap: reading stops at the cap, so a bomb costs
    /// the cap and no more.
    pub(crate) fn inflate(&mut self, compressed: &[u8], what: &str) -> Option<Vec<u8>> {
        let cap = MAX_INFLATED_BYTES.min(self.ex.budget().inflatable());
        let mut out = Vec::new();
        let read = ZlibDecoder::new(compressed)
            .take(cap + 1)
            .read_to_end(&mut out);
        // What came out is spent, read or not, so that a thousand bombs
        // cost the scan's inflation limit once, not a megabyte each, and
        // each 64 KiB is a step of the budget.
        let inflated = out.len() as u64;
        if let Err(exceeded) = self.ex.budget().inflate(inflated) {
            self.problem(ProblemCode::Limit, exceeded.0);
            return None;
        }
        if !self.step(inflated >> 16) {
            return None;
        }
        if let Err(error) = read {
            self.corrupt(format!("{what} does not inflate ({error})"));
            return None;
        }
        if inflated > cap {
            let why = if cap < MAX_INFLATED_BYTES {
                "what the scan may still inflate"
            } else {
                "the per-chunk limit"
            };
            self.problem(
                ProblemCode::Limit,
                format!("{what} inflates past {cap} bytes, {why}; not read"),
            );
            return None;
        }
        Some(out)
    }

    /// Pushes the fields and the labels.
    fn finish(self) {
        self.ex.push(self.lines, Part::Metadata, None, self.path);
        for label in self.labels {
            self.ex.push(label, Part::Label, None, self.path);
        }
    }
}

/// Whether `key` names a Microsoft sensitivity label
/// (`MSIP_Label_<GUID>_Name`).
pub(crate) fn is_label_name(key: &str) -> bool {
    key.starts_with("MSIP_Label_") && key.ends_with("_Name")
}

/// `value` with NULs dropped (a run of them between two strings becomes
/// one space), control characters other than line breaks and tabs made
/// spaces, and trimmed.
fn clean(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        if c == '\0' || (c.is_control() && !matches!(c, '\n' | '\t')) {
            if !out.ends_with(' ') {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
    }
    out.trim().to_string()
}

/// Latin-1 text (PNG tEXt and zTXt): each byte is its code point.
pub(crate) fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

/// UTF-16 text, little-endian if `little`; unpaired surrogates become
/// U+FFFD and an odd last byte is dropped.
pub(crate) fn utf16(bytes: &[u8], little: bool) -> String {
    let units = bytes.chunks_exact(2).map(|pair| {
        let pair = [pair[0], pair[1]];
        if little {
            u16::from_le_bytes(pair)
        } else {
            u16::from_be_bytes(pair)
        }
    });
    char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

/// Text in an unstated 8-bit encoding: UTF-8 where it is valid, its
/// Windows-1252 characters elsewhere (so that a comment written in Latin-1
/// reads "TRÈS SECRET", not "TR\u{FFFD}S SECRET").
pub(crate) fn text(bytes: &[u8]) -> String {
    crate::extract::text::decode(bytes)
}

/// The big-endian `u16` at `at`, if there are two bytes there.
pub(crate) fn be16(data: &[u8], at: usize) -> Option<u16> {
    let bytes = data.get(at..at.checked_add(2)?)?;
    Some(u16::from_be_bytes([bytes[0], bytes[1]]))
}

/// The big-endian `u32` at `at`, if there are four bytes there.
pub(crate) fn be32(data: &[u8], at: usize) -> Option<u32> {
    let bytes = data.get(at..at.checked_add(4)?)?;
    Some(u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
}

/// The little-endian `u32` at `at`, if there are four bytes there.
pub(crate) fn le32(data: &[u8], at: usize) -> Option<u32> {
    let bytes = data.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
}

/// `data[at..at + len]`, if it is all there.
pub(crate) fn slice(data: &[u8], at: usize, len: usize) -> Option<&[u8]> {
    data.get(at..at.checked_add(len)?)
}
