//! Photoshop image resources (JPEG APP13, TIFF tag 34377) and the IPTC
//! records they carry (resource 0x0404; also TIFF tag 33723): object name
//! (2:05), keywords (2:25), special instructions (2:40), by-line (2:80),
//! headline (2:105), copyright notice (2:116), caption (2:120).

use super::{Sink, be16, be32, slice, text};

/// The Photoshop resource that holds IPTC records.
const IPTC_RESOURCE: u16 = 0x0404;

/// The IPTC datasets read (record 2), with the key their text is written
/// under.
fn dataset(number: u8) -> Option<&'static str> {
    Some(match number {
        5 => "Object name",
        25 => "Keywords",
        40 => "Special instructions",
        80 => "By-line",
        105 => "Headline",
        116 => "Copyright notice",
        120 => "Caption",
        _ => return None,
    })
}

/// Reads Photoshop image resources: each a signature (`8BIM`), a 16-bit
/// id, a Pascal-string name padded to an even length, a 32-bit size and
/// the data, padded to an even length.
pub(crate) fn resources(sink: &mut Sink, data: &[u8]) {
    let mut at = 0;
    while at < data.len() {
        if !sink.step(1) {
            return;
        }
        let Some(signature) = slice(data, at, 4) else {
            sink.corrupt(format!("Photoshop resource at byte {at} is truncated"));
            return;
        };
        if !matches!(signature, b"8BIM" | b"PHUT" | b"AgHg" | b"DCSR") {
            // Padding after the last resource is common.
            if data[at..].iter().all(|&b| b == 0) {
                return;
            }
            sink.corrupt(format!("no Photoshop resource at byte {at}"));
            return;
        }
        let id = be16(data, at + 4);
        let name_length = data.get(at + 6).map(|&n| usize::from(n));
        // The length byte and the name, padded to an even length.
        let size_at = name_length.map(|n| at + 6 + ((n + 2) & !1));
        let size = size_at.and_then(|s| be32(data, s));
        let (Some(id), Some(size_at), Some(size)) = (id, size_at, size) else {
            sink.corrupt(format!("Photoshop resource at byte {at} is truncated"));
            return;
        };
        let start = size_at + 4;
        let Some(resource) = slice(data, start, size as usize) else {
            sink.corrupt(format!(
                "Photoshop resource at byte {at} is truncated ({size} bytes declared)"
            ));
            return;
        };
        if id == IPTC_RESOURCE {
            records(sink, resource);
        }
        at = start + ((size as usize + 1) & !1);
    }
}

/// Reads IPTC records: each a tag marker (0x1C), a record and a dataset
/// number, a length (16 bits, or an extended length when its top bit is
/// set) and the data. The coded character set (1:90) says whether the text
/// is UTF-8; otherwise it is read as 8-bit text.
pub(crate) fn records(sink: &mut Sink, data: &[u8]) {
    let mut at = 0;
    let mut utf8 = false;
    while at < data.len() {
        if !sink.step(1) {
            return;
        }
        if data[at] != 0x1C {
            if data[at..].iter().all(|&b| b == 0) {
                return;
            }
            sink.corrupt(format!("no IPTC record at byte {at}"));
            return;
        }
        let (Some(&record), Some(&number), Some(length)) =
            (data.get(at + 1), data.get(at + 2), be16(data, at + 3))
        else {
            sink.corrupt(format!("IPTC record at byte {at} is truncated"));
            return;
        };
        let mut start = at + 5;
        let mut length = usize::from(length);
        if length & 0x8000 != 0 {
            // Extended: the low bits count the bytes of the length.
            let bytes = length & 0x7FFF;
            let extended = (1..=4)
                .contains(&bytes)
                .then(|| slice(data, start, bytes))
                .flatten();
            let Some(extended) = extended else {
                sink.corrupt(format!("IPTC record at byte {at} has a damaged length"));
                return;
            };
            length = extended
                .iter()
                .fold(0usize, |n, &b| (n << 8) | usize::from(b));
            start += bytes;
        }
        let Some(value) = slice(data, start, length) else {
            sink.corrupt(format!(
                "IPTC record at byte {at} is truncated ({length} bytes declared)"
            ));
            return;
        };
        match (record, number) {
            (1, 90) => utf8 = value == b"\x1b%G",
            (2, number) => {
                if let Some(key) = dataset(number) {
                    let value = if utf8 {
                        String::from_utf8_lossy(value).into_owned()
                    } else {
                        text(value)
                    };
                    sink.field(key, &value);
                }
            }
            _ => {}
        }
        at = start + length;
    }
}
