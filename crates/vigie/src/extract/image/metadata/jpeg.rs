//! JPEG: the segments before the first scan (SOS): APP1 EXIF and XMP
//! (extended XMP too), APP13 Photoshop resources (IPTC), COM comments.

use super::{MAX_TEXT_BYTES, Sink, be16, be32, iptc, slice, text, tiff};
use crate::report::ProblemCode;

const EXIF: &[u8] = b"Exif\0\0";
const XMP: &[u8] = b"http://ns.adobe.com/xap/1.0/\0";
const EXTENDED_XMP: &[u8] = b"http://ns.adobe.com/xmp/extension/\0";
const PHOTOSHOP: &[u8] = b"Photoshop 3.0\0";

/// Reads the metadata segments of the JPEG file `file`.
pub(crate) fn read(sink: &mut Sink, file: &[u8]) {
    let mut extended = Extended::default();
    let mut at = 2;
    loop {
        if !sink.step(1) {
            return;
        }
        if file.get(at) != Some(&0xFF) {
            if at >= file.len() {
                sink.corrupt("the file ends before its first scan".to_string());
            } else {
                sink.corrupt(format!("no marker at byte {at}"));
            }
            break;
        }
        // Fill bytes: any number of 0xFF before the marker's code.
        while file.get(at + 1) == Some(&0xFF) {
            at += 1;
        }
        let Some(&marker) = file.get(at + 1) else {
            sink.corrupt("the file ends before its first scan".to_string());
            break;
        };
        match marker {
            // Markers without a length.
            0x01 | 0xD0..=0xD8 => {
                at += 2;
                continue;
            }
            // The end of the image, or the first scan: no metadata after.
            0xD9 | 0xDA => break,
            _ => {}
        }
        let Some(length) = be16(file, at + 2).map(usize::from).filter(|&n| n >= 2) else {
            sink.corrupt(format!("segment at byte {at} has a damaged length"));
            break;
        };
        let Some(data) = slice(file, at + 4, length - 2) else {
            sink.corrupt(format!(
                "segment at byte {at} is truncated ({length} bytes declared)"
            ));
            break;
        };
        match marker {
            0xE1 => {
                if let Some(exif) = data.strip_prefix(EXIF) {
                    tiff::read(sink, exif, "EXIF");
                } else if let Some(xmp) = data.strip_prefix(XMP) {
                    sink.xmp(xmp);
                } else if let Some(part) = data.strip_prefix(EXTENDED_XMP) {
                    extended.add(sink, part, at);
                }
            }
            0xED => {
                if let Some(resources) = data.strip_prefix(PHOTOSHOP) {
                    iptc::resources(sink, resources);
                }
            }
            0xFE => sink.field("Comment", &text(data)),
            _ => {}
        }
        at += 2 + length;
    }
    extended.finish(sink);
}

/// An extended XMP packet, split over APP1 segments: each a 32-byte GUID,
/// the full length, the offset of its part, and the part. The parts of
/// the first GUID seen are put together; others are ignored.
#[derive(Default)]
struct Extended {
    guid: Option<[u8; 32]>,
    packet: Vec<u8>,
    received: usize,
    /// Set once the packet is known not to be readable.
    failed: bool,
}

impl Extended {
    fn add(&mut self, sink: &mut Sink, part: &[u8], at: usize) {
        if self.failed {
            return;
        }
        let (Some(guid), Some(full), Some(offset), Some(data)) = (
            part.get(..32),
            be32(part, 32),
            be32(part, 36),
            part.get(40..),
        ) else {
            sink.corrupt(format!("extended XMP segment at byte {at} is truncated"));
            self.failed = true;
            return;
        };
        let (full, offset) = (full as usize, offset as usize);
        let Ok(guid) = <[u8; 32]>::try_from(guid) else {
            return;
        };
        match self.guid {
            None => {
                if full > MAX_TEXT_BYTES {
                    sink.problem(
                        ProblemCode::Limit,
                        format!(
                            "extended XMP of {full} bytes is larger than {MAX_TEXT_BYTES}; not read"
                        ),
                    );
                    self.failed = true;
                    return;
                }
                self.guid = Some(guid);
                // Bounded just above: at most MAX_TEXT_BYTES.
                self.packet = vec![0; full];
            }
            Some(first) if first != guid => return,
            Some(_) => {}
        }
        let target = offset
            .checked_add(data.len())
            .filter(|&end| end <= self.packet.len())
            .and_then(|end| self.packet.get_mut(offset..end));
        let Some(target) = target else {
            sink.corrupt(format!(
                "extended XMP segment at byte {at} lies outside its packet"
            ));
            self.failed = true;
            return;
        };
        target.copy_from_slice(data);
        self.received = self.received.saturating_add(data.len());
    }

    fn finish(self, sink: &mut Sink) {
        if self.failed || self.guid.is_none() {
            return;
        }
        if self.received < self.packet.len() {
            sink.corrupt("extended XMP is missing parts; not read".to_string());
            return;
        }
        sink.xmp(&self.packet);
    }
}
