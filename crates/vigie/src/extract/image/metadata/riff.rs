//! WebP (a RIFF file): its `EXIF` and `XMP ` chunks.

use super::{Sink, le32, slice, tiff};

/// Reads the metadata chunks of the WebP file `file`: after the 12-byte
/// RIFF header, chunks of a four-letter type, a little-endian size, the
/// data and a pad byte when the size is odd.
pub(crate) fn read(sink: &mut Sink, file: &[u8]) {
    let mut at = 12;
    while at < file.len() {
        if !sink.step(1) {
            return;
        }
        let (Some(kind), Some(size)) = (slice(file, at, 4), le32(file, at + 4)) else {
            sink.corrupt(format!("chunk header at byte {at} is truncated"));
            return;
        };
        let Some(data) = slice(file, at + 8, size as usize) else {
            sink.corrupt(format!(
                "chunk at byte {at} is truncated ({size} bytes declared)"
            ));
            return;
        };
        match kind {
            b"EXIF" => {
                // Some writers keep the JPEG APP1 prefix.
                let exif = data.strip_prefix(b"Exif\0\0").unwrap_or(data);
                tiff::read(sink, exif, "EXIF");
            }
            b"XMP " => sink.xmp(data),
            _ => {}
        }
        at += 8 + ((size as usize + 1) & !1);
    }
}
