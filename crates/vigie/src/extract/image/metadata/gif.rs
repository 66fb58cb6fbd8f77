//! GIF: comment extensions, and the XMP application extension
//! (`XMP DataXMP`), whose packet is written raw over the sub-block
//! structure and ends with a 258-byte "magic trailer" that walks any
//! reader back to the block terminator.

use super::{Sink, slice, text};

/// The identifier and authentication code of the XMP application
/// extension.
const XMP_APPLICATION: &[u8] = b"XMP DataXMP";

/// Reads the comments and XMP packets of the GIF file `file`.
pub(crate) fn read(sink: &mut Sink, file: &[u8]) {
    // The header (6 bytes) and the logical screen descriptor (7), then the
    // global colour table if its flag is set.
    let Some(&packed) = file.get(10) else {
        sink.corrupt("the header is truncated".to_string());
        return;
    };
    let mut at = 13 + color_table(packed);
    loop {
        if !sink.step(1) {
            return;
        }
        match file.get(at) {
            // The trailer.
            Some(0x3B) => return,
            Some(0x21) => {
                let Some(&label) = file.get(at + 1) else {
                    break;
                };
                let start = at + 2;
                let Some(end) = sub_blocks(sink, file, start) else {
                    break;
                };
                match label {
                    0xFE => {
                        let comment = joined(file, start, end);
                        sink.field("Comment", &text(&comment));
                    }
                    0xFF if slice(file, start, 12)
                        .is_some_and(|b| b[0] == 11 && &b[1..] == XMP_APPLICATION) =>
                    {
                        xmp(sink, file.get(start + 12..end).unwrap_or(&[]));
                    }
                    _ => {}
                }
                at = end;
            }
            Some(0x2C) => {
                // The image descriptor (10 bytes), its local colour table,
                // the LZW code size, then the image data's sub-blocks.
                let Some(&packed) = file.get(at + 9) else {
                    break;
                };
                let data = at + 10 + color_table(packed) + 1;
                let Some(end) = sub_blocks(sink, file, data) else {
                    break;
                };
                at = end;
            }
            Some(other) => {
                sink.corrupt(format!("unknown block 0x{other:02X} at byte {at}"));
                return;
            }
            None => break,
        }
    }
    sink.corrupt(format!("the file is truncated at byte {at}"));
}

/// The size of the colour table a packed field announces.
fn color_table(packed: u8) -> usize {
    if packed & 0x80 == 0 {
        0
    } else {
        3 << ((packed & 0x07) + 1)
    }
}

/// Walks the sub-blocks starting at `at` (each a size byte and that many
/// bytes, up to a size of 0); the offset just past the terminator, or None
/// when the file ends first or the budget is spent.
fn sub_blocks(sink: &mut Sink, file: &[u8], mut at: usize) -> Option<usize> {
    let mut blocks = 0u64;
    loop {
        let size = usize::from(*file.get(at)?);
        at += 1;
        if size == 0 {
            return Some(at);
        }
        at += size;
        blocks += 1;
        // A step per 64 sub-blocks: a frame holds thousands.
        if blocks.is_multiple_of(64) && !sink.step(1) {
            return None;
        }
    }
}

/// The data of the sub-blocks from `start` to `end`, without their size
/// bytes.
fn joined(file: &[u8], mut at: usize, end: usize) -> Vec<u8> {
    let mut out = Vec::new();
    while at < end {
        let size = usize::from(file[at]);
        if size == 0 {
            break;
        }
        out.extend_from_slice(file.get(at + 1..(at + 1 + size).min(end)).unwrap_or(&[]));
        at += 1 + size;
    }
    out
}

/// The XMP packet in `raw` (the bytes after the application identifier,
/// up to the terminator): up to the end of its closing `<?xpacket end`
/// instruction, or of `</x:xmpmeta>`, before the magic trailer.
fn xmp(sink: &mut Sink, raw: &[u8]) {
    let end = memchr::memmem::rfind(raw, b"<?xpacket end")
        .and_then(|at| memchr::memmem::find(&raw[at..], b"?>").map(|n| at + n + 2))
        .or_else(|| memchr::memmem::rfind(raw, b"</x:xmpmeta>").map(|at| at + 12));
    match end {
        Some(end) => sink.xmp(&raw[..end]),
        None => sink.corrupt("XMP application extension without a packet end".to_string()),
    }
}
